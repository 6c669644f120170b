from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.purchase_out import PurchaseOut
from ...models.purchase_request import PurchaseRequest
from ...models.unclaimed_purchase_out import UnclaimedPurchaseOut
from typing import cast



def _get_kwargs(
    *,
    body: PurchaseRequest,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/transactions",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | PurchaseOut | UnclaimedPurchaseOut | None:
    if response.status_code == 201:
        response_201 = PurchaseOut.from_dict(response.json())



        return response_201

    if response.status_code == 202:
        response_202 = UnclaimedPurchaseOut.from_dict(response.json())



        return response_202

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | PurchaseOut | UnclaimedPurchaseOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PurchaseRequest,

) -> Response[Problem | PurchaseOut | UnclaimedPurchaseOut]:
    """ Record Purchase

     Record a finished sale; the same transaction_ref from the same channel is recorded once.

    Args:
        body (PurchaseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PurchaseOut | UnclaimedPurchaseOut]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: PurchaseRequest,

) -> Problem | PurchaseOut | UnclaimedPurchaseOut | None:
    """ Record Purchase

     Record a finished sale; the same transaction_ref from the same channel is recorded once.

    Args:
        body (PurchaseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PurchaseOut | UnclaimedPurchaseOut
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PurchaseRequest,

) -> Response[Problem | PurchaseOut | UnclaimedPurchaseOut]:
    """ Record Purchase

     Record a finished sale; the same transaction_ref from the same channel is recorded once.

    Args:
        body (PurchaseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | PurchaseOut | UnclaimedPurchaseOut]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PurchaseRequest,

) -> Problem | PurchaseOut | UnclaimedPurchaseOut | None:
    """ Record Purchase

     Record a finished sale; the same transaction_ref from the same channel is recorded once.

    Args:
        body (PurchaseRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | PurchaseOut | UnclaimedPurchaseOut
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
