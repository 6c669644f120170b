from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.approvals_out import ApprovalsOut
from ...models.list_approvals_status_type_0 import ListApprovalsStatusType0
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    status: ListApprovalsStatusType0 | None | Unset = ListApprovalsStatusType0.PENDING,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListApprovalsStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/approvals",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ApprovalsOut | Problem | None:
    if response.status_code == 200:
        response_200 = ApprovalsOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ApprovalsOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    status: ListApprovalsStatusType0 | None | Unset = ListApprovalsStatusType0.PENDING,

) -> Response[ApprovalsOut | Problem]:
    """ List Approvals

     List adjustment approvals (pending by default), oldest first.

    Args:
        status (ListApprovalsStatusType0 | None | Unset):  Default:
            ListApprovalsStatusType0.PENDING.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalsOut | Problem]
     """


    kwargs = _get_kwargs(
        status=status,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    status: ListApprovalsStatusType0 | None | Unset = ListApprovalsStatusType0.PENDING,

) -> ApprovalsOut | Problem | None:
    """ List Approvals

     List adjustment approvals (pending by default), oldest first.

    Args:
        status (ListApprovalsStatusType0 | None | Unset):  Default:
            ListApprovalsStatusType0.PENDING.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalsOut | Problem
     """


    return sync_detailed(
        client=client,
status=status,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    status: ListApprovalsStatusType0 | None | Unset = ListApprovalsStatusType0.PENDING,

) -> Response[ApprovalsOut | Problem]:
    """ List Approvals

     List adjustment approvals (pending by default), oldest first.

    Args:
        status (ListApprovalsStatusType0 | None | Unset):  Default:
            ListApprovalsStatusType0.PENDING.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApprovalsOut | Problem]
     """


    kwargs = _get_kwargs(
        status=status,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    status: ListApprovalsStatusType0 | None | Unset = ListApprovalsStatusType0.PENDING,

) -> ApprovalsOut | Problem | None:
    """ List Approvals

     List adjustment approvals (pending by default), oldest first.

    Args:
        status (ListApprovalsStatusType0 | None | Unset):  Default:
            ListApprovalsStatusType0.PENDING.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApprovalsOut | Problem
     """


    return (await asyncio_detailed(
        client=client,
status=status,

    )).parsed
